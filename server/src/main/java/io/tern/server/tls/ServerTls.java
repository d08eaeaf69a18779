package io.tern.server.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.tern.platform.tls.ClientTls;
import io.tern.platform.tls.ReloadingKeyManager;
import io.tern.platform.tls.ReloadingTrustManager;
import io.tern.platform.tls.TlsConfigException;
import io.tern.platform.tls.TlsContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's TLS, from its {@link TlsSettings}: the certificates and CAs it loaded (each reloaded from
 * its files by a low-rate timer, so new connections get the new ones and open ones carry on), and what
 * every listener and internal client takes from them:
 * <ul>
 *   <li>the native port: {@link #contextFor(String)} picks the client-facing context, or the peer-facing
 *       one for a member that asked for it by name ({@link TlsContexts#PEER_SERVER_NAME});</li>
 *   <li>the etcd port: {@link #serverKeys()}, {@link #clientCas()}, {@link #clientCertAuth()};</li>
 *   <li>members dialing members: {@link #peerDialing()}; the member's own native clients (the
 *       forwarder, the etcd gateway's client, a joining member's questions): {@link #internalDialing()}.</li>
 * </ul>
 */
public final class ServerTls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    /** Plaintext everywhere. */
    public static final ServerTls PLAINTEXT = new ServerTls(TlsSettings.NONE, null, null, null, null, null, null, null,
            null, null);

    private final TlsSettings settings;
    private final ReloadingKeyManager serverKeys;
    private final ReloadingTrustManager clientCas;
    private final ReloadingKeyManager peerKeys;
    private final ReloadingTrustManager peerCas;
    private final SslContext clientFacing;
    private final SslContext peerFacing;
    private final ClientTls peerDialing;
    private final ClientTls internalDialing;
    private final ScheduledExecutorService reloader;

    private ServerTls(TlsSettings settings, ReloadingKeyManager serverKeys, ReloadingTrustManager clientCas,
                      ReloadingKeyManager peerKeys, ReloadingTrustManager peerCas, SslContext clientFacing,
                      SslContext peerFacing, ClientTls peerDialing, ClientTls internalDialing,
                      ScheduledExecutorService reloader) {
        this.settings = settings;
        this.serverKeys = serverKeys;
        this.clientCas = clientCas;
        this.peerKeys = peerKeys;
        this.peerCas = peerCas;
        this.clientFacing = clientFacing;
        this.peerFacing = peerFacing;
        this.peerDialing = peerDialing;
        this.internalDialing = internalDialing;
        this.reloader = reloader;
    }

    /**
     * Loads every file {@code settings} names and starts watching them.
     *
     * @param memberId names the reload thread
     * @throws TlsConfigException with one line when a file is missing, unreadable, or a key is not its
     *         certificate's
     */
    public static ServerTls start(TlsSettings settings, long memberId) {
        if (!settings.clientTls() && !settings.peerTls()) {
            return PLAINTEXT;
        }
        ReloadingKeyManager serverKeys = settings.clientTls()
                ? ReloadingKeyManager.load(settings.certFile(), "--cert-file", settings.keyFile(), "--key-file") : null;
        ReloadingTrustManager clientCas = settings.trustedCaFile() != null
                ? ReloadingTrustManager.load(settings.trustedCaFile(), "--trusted-ca-file") : null;
        ReloadingKeyManager peerKeys = settings.peerTls() ? ReloadingKeyManager.load(settings.peerCertFile(),
                "--peer-cert-file", settings.peerKeyFile(), "--peer-key-file") : null;
        ReloadingTrustManager peerCas = settings.peerTls()
                ? ReloadingTrustManager.load(settings.peerTrustedCaFile(), "--peer-trusted-ca-file") : null;

        SslContext clientFacing = serverKeys == null ? null : TlsContexts.server(serverKeys, clientCas,
                settings.clientCertAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE);
        SslContext peerFacing = peerKeys == null ? null : TlsContexts.server(peerKeys, peerCas, ClientAuth.REQUIRE);
        ClientTls peerDialing = peerKeys == null ? null : ClientTls.of(TlsContexts.client(peerKeys, peerCas, false));
        // Without peer TLS, a member's own clients are clients like any other: its server certificate
        // serves as their client certificate, as etcd's own clients do.
        ClientTls internalDialing = peerDialing != null ? peerDialing
                : ClientTls.of(TlsContexts.client(serverKeys, clientCas, true));

        ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("tern-tls-reload-" + memberId).factory());
        ServerTls tls = new ServerTls(settings, serverKeys, clientCas, peerKeys, peerCas, clientFacing, peerFacing,
                peerDialing, internalDialing, reloader);
        long period = settings.reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(tls::reloadChangedFiles, period, period, TimeUnit.MILLISECONDS);
        return tls;
    }

    /** Whether a client must speak TLS on the native port (and the etcd port serves TLS). */
    public boolean clientTls() {
        return clientFacing != null;
    }

    /** Whether a member must connect with TLS and a certificate of the peer CA. */
    public boolean peerTls() {
        return peerFacing != null;
    }

    /**
     * The context for a connection to the native port that asked for {@code serverName} (SNI; null if it
     * named none): the peer-facing one for a member, the client-facing one for anyone else, or the only
     * one there is.
     */
    public SslContext contextFor(String serverName) {
        if (peerFacing != null && (TlsContexts.PEER_SERVER_NAME.equals(serverName) || clientFacing == null)) {
            return peerFacing;
        }
        return clientFacing;
    }

    /** Whether a connection that handshook with {@code context} proved a certificate of the peer CA. */
    public boolean authenticatesMembers(SslContext context) {
        return context != null && context == peerFacing;
    }

    /** The certificate and key the etcd port presents, or null without client TLS. */
    public KeyManager serverKeys() {
        return serverKeys;
    }

    /** The CAs of client certificates ({@code --trusted-ca-file}), or null. */
    public TrustManager clientCas() {
        return clientCas;
    }

    /** Whether clients must present a certificate of {@link #clientCas()} ({@code --client-cert-auth}). */
    public boolean clientCertAuth() {
        return settings.clientCertAuth();
    }

    /** How this member dials other members, or null for plaintext. */
    public ClientTls peerDialing() {
        return peerDialing;
    }

    /** How this member's own native clients dial members, or null for plaintext. */
    public ClientTls internalDialing() {
        return internalDialing;
    }

    /** The scheme of this member's client URLs: {@code https} with client TLS. */
    public String clientUrlScheme() {
        return clientTls() ? "https" : "http";
    }

    /** For the start-up log line: which traffic is encrypted. */
    public String describe() {
        if (clientTls() && peerTls()) {
            return "TLS for clients" + (clientCertAuth() ? " (client certificates required)" : "") + " and members";
        }
        if (clientTls()) {
            return "TLS for clients" + (clientCertAuth() ? " (client certificates required)" : "")
                    + ", members in plaintext";
        }
        return peerTls() ? "TLS between members, clients in plaintext" : "plaintext";
    }

    /** Reads again every file that changed; a file that cannot be used is logged and the old one kept. */
    void reloadChangedFiles() {
        List<Reload> reloads = new ArrayList<>();
        if (serverKeys != null) {
            reloads.add(new Reload(serverKeys.describe(), serverKeys::reloadIfChanged));
        }
        if (clientCas != null) {
            reloads.add(new Reload(clientCas.describe(), clientCas::reloadIfChanged));
        }
        if (peerKeys != null) {
            reloads.add(new Reload(peerKeys.describe(), peerKeys::reloadIfChanged));
        }
        if (peerCas != null) {
            reloads.add(new Reload(peerCas.describe(), peerCas::reloadIfChanged));
        }
        for (Reload reload : reloads) {
            try {
                if (reload.ifChanged().getAsBoolean()) {
                    log.info("reloaded {}: new connections use it", reload.what());
                }
            } catch (TlsConfigException e) {
                log.warn("{}; new connections keep using the previous one", e.getMessage());
            } catch (RuntimeException e) {
                log.warn("cannot reload {}: {}; new connections keep using the previous one", reload.what(), e.toString());
            }
        }
    }

    private record Reload(String what, BooleanSupplier ifChanged) {
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }
}
