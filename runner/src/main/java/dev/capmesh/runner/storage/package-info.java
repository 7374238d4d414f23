/**
 * Object storage behind {@code r2Bucket} bindings: the {@link ObjectBackend} a storage service
 * keeps its objects in, and the values that cross it.
 */
@NullMarked
package dev.capmesh.runner.storage;

import org.jspecify.annotations.NullMarked;
