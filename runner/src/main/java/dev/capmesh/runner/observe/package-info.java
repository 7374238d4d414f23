/**
 * What a runner tells about itself: every binding use ({@link BindingUse}) to the listeners
 * that audit and count it.
 */
@NullMarked
package dev.capmesh.runner.observe;

import org.jspecify.annotations.NullMarked;
