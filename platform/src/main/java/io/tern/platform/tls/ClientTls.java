package io.tern.platform.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * How one kind of client dials a TLS port: the context (CAs, client certificate) for the
 * {@link SslHandler} at the front of each connection it makes.
 */
public final class ClientTls {

    private final SslContext context;

    private ClientTls(SslContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** Dials with {@code context} (from {@link TlsContexts}). */
    public static ClientTls of(SslContext context) {
        return new ClientTls(context);
    }

    /**
     * A client of the native or etcd port, as the command line's {@code --cacert}, {@code --cert},
     * {@code --key} describe it; the server's certificate must name the host dialled.
     *
     * @param caFile   the CAs to trust, or null for the JDK's
     * @param certFile the client certificate (with {@code keyFile}), or null for none
     * @throws TlsConfigException with one line when a file cannot be used
     */
    public static ClientTls fromFiles(Path caFile, Path certFile, Path keyFile) {
        if ((certFile == null) != (keyFile == null)) {
            throw new TlsConfigException(certFile == null ? "--key needs --cert" : "--cert needs --key");
        }
        ReloadingTrustManager trust = caFile == null ? null : ReloadingTrustManager.load(caFile, "--cacert");
        ReloadingKeyManager keys = certFile == null ? null : ReloadingKeyManager.load(certFile, "--cert", keyFile, "--key");
        return new ClientTls(TlsContexts.client(keys, trust, true));
    }

    /** The handler that starts the connection's handshake with {@code host:port} (host names the expected certificate). */
    public SslHandler newHandler(ByteBufAllocator allocator, String host, int port) {
        return context.newHandler(allocator, host, port);
    }

    /**
     * The TLS failure behind {@code error} (a handshake refused by either side, a certificate not
     * trusted, a plaintext peer), or null when it was not one.
     */
    public static SSLException tlsFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    /**
     * Whether {@code failure} is the other side refusing a certificate (or none given): something only a
     * handshake does, so a server that sent it has read no request on the connection.
     */
    public static boolean isCertificateRefusal(SSLException failure) {
        if (failure instanceof SSLHandshakeException) {
            return true;
        }
        String said = said(failure);
        return said.contains("bad_certificate") || said.contains("certificate_required")
                || said.contains("certificate_unknown") || said.contains("unknown_ca");
    }

    /** One line for a user: what failed and, for the common mistakes, what to check. */
    public static String explain(SSLException failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        String said = said(failure);
        if (said.contains("not an ssl/tls record") || said.contains("unsupported or unrecognized ssl message")
                || said.contains("wrong_version_number")) {
            return "TLS handshake failed: the server does not speak TLS on this port (drop --cacert, or enable TLS on "
                    + "the server)";
        }
        if (said.contains("pkix path") || said.contains("unable to find valid certification path")) {
            return "TLS handshake failed: the server's certificate is not signed by a trusted CA (check --cacert)";
        }
        if (said.contains("no subject alternative") || said.contains("no name matching")) {
            return "TLS handshake failed: the server's certificate does not name the host dialled (" + message + ")";
        }
        if (said.contains("certificate_required")) {
            return "TLS handshake failed: the server requires a client certificate (give --cert and --key)";
        }
        if (said.contains("bad_certificate") || said.contains("certificate_unknown") || said.contains("unknown_ca")) {
            return "TLS handshake failed: the server does not trust the client certificate (check --cert and --key)";
        }
        return "TLS handshake failed: " + message;
    }

    /**
     * Every message along the cause chain, lower case: the JDK's provider says what went wrong in its own
     * message (alert names in lower case), BoringSSL's in its error string (upper case) or in the cause
     * the trust manager threw under a general "OpenSslEngine problem".
     */
    private static String said(Throwable failure) {
        StringBuilder said = new StringBuilder();
        for (Throwable cause = failure; cause != null && said.length() < 4096; cause = cause.getCause()) {
            said.append(cause.getMessage()).append('\n');
        }
        return said.toString().toLowerCase(Locale.ROOT);
    }
}
