/**
 * What a member tells its operators: its meters (one Micrometer registry per server, never a static
 * global one, since tests run several servers in one JVM), its health, and the small HTTP endpoint
 * that serves both ({@code --metrics-listen}: {@code GET /metrics}, {@code GET /health}). Meters whose
 * meaning is etcd's carry etcd's names, so etcd's dashboards and alerts work; Tern's own start with
 * {@code tern_}.
 */
package io.tern.server.metrics;
