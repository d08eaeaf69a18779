package io.tern.platform.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CA certificates of a trusted-CA file, which {@link #reloadIfChanged()} reads again when the file
 * changed; each handshake checks the peer's chain against the CAs current at that moment.
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {

    private final Path caFile;
    private final String flag;
    private volatile X509ExtendedTrustManager current;
    /** The file as last tried, loaded or not; guarded by this. */
    private FileStamp tried;

    private ReloadingTrustManager(Path caFile, String flag) {
        this.caFile = caFile;
        this.flag = flag;
    }

    /**
     * Reads the CA certificates now.
     *
     * @throws TlsConfigException with one line when the file is missing, unreadable or holds no certificate
     */
    public static ReloadingTrustManager load(Path caFile, String flag) {
        ReloadingTrustManager manager = new ReloadingTrustManager(caFile, flag);
        synchronized (manager) {
            manager.tried = FileStamp.of(caFile);
            manager.install();
        }
        return manager;
    }

    /**
     * Reads the file again if it changed since it was last tried.
     *
     * @return whether new CAs are now in use
     * @throws TlsConfigException when the changed file cannot be used: the previous CAs stay in use
     */
    public synchronized boolean reloadIfChanged() {
        FileStamp now = FileStamp.of(caFile);
        if (now.equals(tried)) {
            return false;
        }
        tried = now;
        install();
        return true;
    }

    /** The file, for log lines. */
    public String describe() {
        return flag + " " + caFile;
    }

    private void install() {
        List<X509Certificate> authorities = PemFiles.certificates(caFile, flag);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    current = x509;
                    return;
                }
            }
            throw new TlsConfigException("the JDK has no X.509 trust manager for " + describe());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsConfigException(describe() + " cannot be used: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        current.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        current.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        current.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        current.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return current.getAcceptedIssuers();
    }
}
