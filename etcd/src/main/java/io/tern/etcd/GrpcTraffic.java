package io.tern.etcd;

import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * etcd's {@code etcd_network_client_grpc_received_bytes_total} and {@code _sent_bytes_total}: the wire
 * size of every gRPC message the gateway takes in and sends out, as gRPC's own stream tracer reports
 * it. One stateless tracer serves every stream, so a call costs two counter increments per message
 * and no allocation.
 */
final class GrpcTraffic extends ServerStreamTracer.Factory {

    private final ServerStreamTracer tracer;

    GrpcTraffic(MeterRegistry registry) {
        Counter received = Counter.builder("etcd_network_client_grpc_received_bytes")
                .description("The total number of bytes received from grpc clients.").register(registry);
        Counter sent = Counter.builder("etcd_network_client_grpc_sent_bytes")
                .description("The total number of bytes sent to grpc clients.").register(registry);
        this.tracer = new ServerStreamTracer() {
            @Override
            public void inboundWireSize(long bytes) {
                received.increment(bytes);
            }

            @Override
            public void outboundWireSize(long bytes) {
                sent.increment(bytes);
            }
        };
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return tracer;
    }
}
