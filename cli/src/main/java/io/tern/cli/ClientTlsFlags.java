package io.tern.cli;

import io.tern.verify.api.ClientSecurity;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A client's TLS flags, as etcdctl names them: every command that talks to a cluster has them, verify too. */
public final class ClientTlsFlags {

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Speak TLS, trusting the CA certificates (PEM) in FILE to sign the server's certificate.")
    Path caCert;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "Speak TLS with this client certificate (PEM), for servers with --client-cert-auth; needs --key.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "The client certificate's unencrypted PKCS#8 key (PEM).")
    Path key;

    /**
     * How these flags say to dial.
     *
     * @throws IllegalArgumentException with one line when {@code --cert} comes without {@code --key} or the reverse
     */
    public ClientSecurity security() {
        return new ClientSecurity(caCert, cert, key);
    }
}
