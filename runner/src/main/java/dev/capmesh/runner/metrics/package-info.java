/**
 * The runner's Prometheus metrics ({@link RunnerMetrics}) and the admin endpoint that serves
 * them with the health and readiness probes ({@link AdminServer}).
 */
@NullMarked
package dev.capmesh.runner.metrics;

import org.jspecify.annotations.NullMarked;
