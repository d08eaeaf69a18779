package io.tern.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tern.platform.HostPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * etcd's peer URLs and Tern's native addresses, which are the same thing: a member's address for
 * the other members. Tern's protocol has no scheme of its own, so a member's peer URL is
 * {@code http://} and its native address, or {@code https://} when members speak TLS.
 */
final class PeerUrls {

    private PeerUrls() {
    }

    /** The peer URL of the member at native {@code address} when members speak {@code scheme} (http or https). */
    static String of(String scheme, String address) {
        return scheme + "://" + address;
    }

    /**
     * The native address that {@code peerUrls} name. etcd takes URLs of scheme http or https (a Tern
     * member cannot listen on a unix socket), with a host and a port and no path; a Tern member has
     * exactly one address, so exactly one URL.
     *
     * @throws StatusRuntimeException INVALID_ARGUMENT, with etcd's words for a URL it would refuse too
     */
    static String address(List<String> peerUrls) {
        if (peerUrls.size() > 1) {
            throw Status.INVALID_ARGUMENT.withDescription(EtcdErrors.Refusal.MEMBER_BAD_URLS.message()
                    + ": a Tern member has one peer URL (its native address), not " + peerUrls.size())
                    .asRuntimeException();
        }
        if (peerUrls.isEmpty()) {
            throw EtcdErrors.Refusal.MEMBER_BAD_URLS.exception();
        }
        try {
            URI url = new URI(peerUrls.getFirst().strip());
            boolean schemeKnown = "http".equals(url.getScheme()) || "https".equals(url.getScheme());
            boolean bare = (url.getRawPath() == null || url.getRawPath().isEmpty()) && url.getRawQuery() == null
                    && url.getRawFragment() == null && url.getRawUserInfo() == null;
            if (!schemeKnown || !bare || url.getHost() == null || url.getPort() < 1) {
                throw EtcdErrors.Refusal.MEMBER_BAD_URLS.exception();
            }
            String host = url.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return HostPort.parse(new HostPort(host, url.getPort()).toString()).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw EtcdErrors.Refusal.MEMBER_BAD_URLS.exception();
        }
    }
}
