package io.tern.cli;

import io.tern.server.tls.TlsSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The server's TLS flags, named and meant as etcd's (see {@link TlsSettings}). */
public final class TlsFlags {

    @Option(names = "--cert-file", paramLabel = "FILE",
            description = "Serve clients over TLS (native and etcd ports) with this certificate (PEM).")
    Path certFile;

    @Option(names = "--key-file", paramLabel = "FILE", description = "The key of --cert-file (PEM, unencrypted PKCS#8).")
    Path keyFile;

    @Option(names = "--trusted-ca-file", paramLabel = "FILE", description = "The CAs of client certificates (PEM).")
    Path trustedCaFile;

    @Option(names = "--client-cert-auth", description = "Require every client to present a certificate signed by "
            + "--trusted-ca-file.")
    boolean clientCertAuth;

    @Option(names = "--peer-cert-file", paramLabel = "FILE", description = "Speak TLS between members, presenting this "
            + "certificate (PEM); members must present certificates of --peer-trusted-ca-file.")
    Path peerCertFile;

    @Option(names = "--peer-key-file", paramLabel = "FILE", description = "The key of --peer-cert-file (PEM, PKCS#8).")
    Path peerKeyFile;

    @Option(names = "--peer-trusted-ca-file", paramLabel = "FILE", description = "The CAs of members' certificates (PEM).")
    Path peerTrustedCaFile;

    /** The flags as given, to pass on to a {@code tern server} (by {@code tern cluster}). */
    List<String> arguments() {
        List<String> arguments = new ArrayList<>();
        add(arguments, "--cert-file", certFile);
        add(arguments, "--key-file", keyFile);
        add(arguments, "--trusted-ca-file", trustedCaFile);
        if (clientCertAuth) {
            arguments.add("--client-cert-auth");
        }
        add(arguments, "--peer-cert-file", peerCertFile);
        add(arguments, "--peer-key-file", peerKeyFile);
        add(arguments, "--peer-trusted-ca-file", peerTrustedCaFile);
        return arguments;
    }

    private static void add(List<String> arguments, String flag, Path file) {
        if (file != null) {
            arguments.addAll(List.of(flag, file.toAbsolutePath().toString()));
        }
    }

    /**
     * The settings these flags give.
     *
     * @throws IllegalArgumentException with one line for flags that do not fit together
     */
    TlsSettings settings() {
        return new TlsSettings(certFile, keyFile, trustedCaFile, clientCertAuth, peerCertFile, peerKeyFile,
                peerTrustedCaFile, TlsSettings.DEFAULT_RELOAD_INTERVAL);
    }
}
