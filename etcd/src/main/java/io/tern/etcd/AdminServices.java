package io.tern.etcd;

import io.tern.platform.HostPort;
import io.tern.server.TernServer;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * The gateway's Cluster and Maintenance services, with what they own: the native client that asks
 * the other members for their client URLs, and the maintenance thread. Also tells the member where it
 * serves etcd's API (its STATUS {@code etcdClientUrl}), from which the other members' gateways list it.
 */
final class AdminServices implements AutoCloseable {

    private final TernServer member;
    private final MemberAttributes attributes;
    private final ClusterService cluster;
    private final MaintenanceService maintenance;
    private volatile String clientUrl;

    AdminServices(TernServer member, NativeCalls calls, ResponseHeaders headers, Executor executor) {
        long id = member.config().id();
        this.member = member;
        this.attributes = new MemberAttributes(id, member.config().advertisedAddress(), () -> clientUrl,
                member.tls().internalDialing());
        this.cluster = new ClusterService(calls, headers, member.node()::status, attributes, executor,
                member.tls().peerTls() ? "https" : "http");
        this.maintenance = new MaintenanceService(calls, headers, member.node()::status, member.engine(), id,
                caller -> member.dispatcher().checkRoot(0, caller));
    }

    ClusterService cluster() {
        return cluster;
    }

    MaintenanceService maintenance() {
        return maintenance;
    }

    /**
     * Makes {@code bound}, the gateway's address, the member's etcd client URL. A wildcard address is
     * no place to connect to: the member's advertised host stands in for it.
     */
    void advertise(InetSocketAddress bound) {
        String host = bound.getAddress() != null && bound.getAddress().isAnyLocalAddress()
                ? HostPort.parse(member.config().advertisedAddress()).host() : bound.getHostString();
        clientUrl = member.tls().clientUrlScheme() + "://" + new HostPort(host, bound.getPort());
        member.advertiseEtcdClientUrl(clientUrl);
    }

    @Override
    public void close() {
        member.advertiseEtcdClientUrl(null);
        attributes.close();
        maintenance.close();
    }
}
