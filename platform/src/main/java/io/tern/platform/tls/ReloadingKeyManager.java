package io.tern.platform.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A certificate and its key, read from files, that {@link #reloadIfChanged()} reads again when the files
 * changed. Every handshake asks the key manager for its certificate, so a new connection gets the new
 * one while connections already open keep theirs: the SslContexts built on it never need rebuilding.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final char[] IN_MEMORY_PASSWORD = "tern".toCharArray();

    private final Path certFile;
    private final String certFlag;
    private final Path keyFile;
    private final String keyFlag;
    private volatile X509ExtendedKeyManager current;
    private volatile X509Certificate certificate;
    /** The files as last tried, loaded or not; guarded by this. */
    private FileStamp tried;

    private ReloadingKeyManager(Path certFile, String certFlag, Path keyFile, String keyFlag) {
        this.certFile = certFile;
        this.certFlag = certFlag;
        this.keyFile = keyFile;
        this.keyFlag = keyFlag;
    }

    /**
     * Reads the certificate chain and key now.
     *
     * @throws TlsConfigException with one line when a file is missing or unreadable, or the key is
     *         not the certificate's
     */
    public static ReloadingKeyManager load(Path certFile, String certFlag, Path keyFile, String keyFlag) {
        ReloadingKeyManager manager = new ReloadingKeyManager(certFile, certFlag, keyFile, keyFlag);
        synchronized (manager) {
            manager.tried = FileStamp.of(certFile, keyFile);
            manager.install();
        }
        return manager;
    }

    /**
     * Reads the files again if they changed since they were last tried.
     *
     * @return whether a new certificate is now in use
     * @throws TlsConfigException when the changed files cannot be used: the previous certificate stays
     *         in use, and the same files are not tried again until they change once more
     */
    public synchronized boolean reloadIfChanged() {
        FileStamp now = FileStamp.of(certFile, keyFile);
        if (now.equals(tried)) {
            return false;
        }
        tried = now;
        install();
        return true;
    }

    /** The certificate handshakes present now (the leaf of the chain). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The files, for log lines. */
    public String describe() {
        return certFlag + " " + certFile + " and " + keyFlag + " " + keyFile;
    }

    private void install() {
        List<X509Certificate> chain = PemFiles.certificates(certFile, certFlag);
        PrivateKey key = PemFiles.privateKey(keyFile, keyFlag);
        PemFiles.checkPair(key, chain.getFirst(), keyFlag, keyFile, certFlag, certFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("tern", key, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY_PASSWORD);
            for (KeyManager manager : factory.getKeyManagers()) {
                if (manager instanceof X509ExtendedKeyManager x509) {
                    current = x509;
                    certificate = chain.getFirst();
                    return;
                }
            }
            throw new TlsConfigException("the JDK has no X.509 key manager for " + describe());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsConfigException(describe() + " cannot be used: " + e.getMessage(), e);
        }
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return current.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return current.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return current.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.getPrivateKey(alias);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return current.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return current.chooseEngineServerAlias(keyType, issuers, engine);
    }
}
