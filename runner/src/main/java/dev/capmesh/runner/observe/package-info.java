/**
 * What a runner tells about itself: every binding use ({@link BindingUse}) to the listeners
 * that audit and count it; its requests, CPU time, limits and plans to a {@link RunnerObserver}
 * (the metrics).
 */
@NullMarked
package dev.capmesh.runner.observe;

import org.jspecify.annotations.NullMarked;
