package io.tern.server.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The server's TLS flags, named as etcd names them. Client TLS ({@code --cert-file}, {@code --key-file})
 * covers the native port for clients and the etcd port; peer TLS ({@code --peer-*}) covers members
 * speaking to members, who then authenticate each other with certificates from the peer CA.
 *
 * @param certFile          {@code --cert-file}: the certificate clients see, or null for plaintext
 * @param keyFile           {@code --key-file}: its key
 * @param trustedCaFile     {@code --trusted-ca-file}: the CAs of client certificates
 * @param clientCertAuth    {@code --client-cert-auth}: every client must present a certificate of those CAs
 * @param peerCertFile      {@code --peer-cert-file}: the certificate members present to each other, or null
 * @param peerKeyFile       {@code --peer-key-file}: its key
 * @param peerTrustedCaFile {@code --peer-trusted-ca-file}: the CAs of members' certificates
 * @param reloadInterval    how often the files are checked for changes
 */
public record TlsSettings(Path certFile, Path keyFile, Path trustedCaFile, boolean clientCertAuth,
                          Path peerCertFile, Path peerKeyFile, Path peerTrustedCaFile, Duration reloadInterval) {

    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(5);

    /** Plaintext everywhere. */
    public static final TlsSettings NONE = new TlsSettings(null, null, null, false, null, null, null,
            DEFAULT_RELOAD_INTERVAL);

    /**
     * @throws IllegalArgumentException with one line for flags that do not fit together
     */
    public TlsSettings {
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException("the certificate reload interval must be positive");
        }
        requireBoth(certFile, "--cert-file", keyFile, "--key-file");
        requireBoth(peerCertFile, "--peer-cert-file", peerKeyFile, "--peer-key-file");
        if (clientCertAuth && certFile == null) {
            throw new IllegalArgumentException("--client-cert-auth needs --cert-file and --key-file");
        }
        if (clientCertAuth && trustedCaFile == null) {
            throw new IllegalArgumentException("--client-cert-auth needs --trusted-ca-file (the CAs of client certificates)");
        }
        if (trustedCaFile != null && certFile == null) {
            throw new IllegalArgumentException("--trusted-ca-file needs --cert-file and --key-file");
        }
        if (peerCertFile != null && peerTrustedCaFile == null) {
            throw new IllegalArgumentException("--peer-cert-file needs --peer-trusted-ca-file: members authenticate "
                    + "each other with certificates of that CA");
        }
        if (peerTrustedCaFile != null && peerCertFile == null) {
            throw new IllegalArgumentException("--peer-trusted-ca-file needs --peer-cert-file and --peer-key-file");
        }
    }

    /** Whether clients must speak TLS. */
    public boolean clientTls() {
        return certFile != null;
    }

    /** Whether members must speak TLS to each other, with certificates of the peer CA. */
    public boolean peerTls() {
        return peerCertFile != null;
    }

    /** A copy that checks the files for changes every {@code interval}. */
    public TlsSettings withReloadInterval(Duration interval) {
        return new TlsSettings(certFile, keyFile, trustedCaFile, clientCertAuth, peerCertFile, peerKeyFile,
                peerTrustedCaFile, interval);
    }

    private static void requireBoth(Path cert, String certFlag, Path key, String keyFlag) {
        if (cert != null && key == null) {
            throw new IllegalArgumentException(certFlag + " needs " + keyFlag);
        }
        if (key != null && cert == null) {
            throw new IllegalArgumentException(keyFlag + " needs " + certFlag);
        }
    }
}
