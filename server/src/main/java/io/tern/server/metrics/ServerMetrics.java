package io.tern.server.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.stream.IntStream;

/**
 * One server's meter registry and the JVM's meters in it. Everything else registers its meters here
 * (see {@link NodeMeters}, {@link RequestMetrics}, {@link MeteredStorage}); {@link #scrape()} is the
 * {@code /metrics} page.
 */
public final class ServerMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final RequestMetrics requests;

    public ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        requests = new RequestMetrics(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The native port's per-request timers. */
    public RequestMetrics requests() {
        return requests;
    }

    /** Every meter in Prometheus' text format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * A timer exposed as a Prometheus histogram with buckets {@code first}, {@code 2 first}, ...
     * ({@code count} of them), as etcd's exponential buckets are.
     */
    static Timer exponentialTimer(PrometheusMeterRegistry registry, String name, String description, Duration first,
                                  int count) {
        Duration[] buckets = IntStream.range(0, count).mapToObj(i -> first.multipliedBy(1L << i)).toArray(Duration[]::new);
        return Timer.builder(name).description(description).serviceLevelObjectives(buckets).register(registry);
    }

    @Override
    public void close() {
        gc.close(); // it listens to the JVM's GC notifications until closed
        registry.close();
    }
}
