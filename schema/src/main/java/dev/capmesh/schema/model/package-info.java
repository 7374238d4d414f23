/**
 * The typed, immutable model of a capmesh config: what the compiler hands to the runner and the
 * control plane after parsing, evaluation and resolution.
 *
 * <p>Every type is a record or a sealed interface of records, so values are immutable and safe to
 * share between threads. The model knows nothing about source positions; the compiler keeps
 * those in a side table. Field names follow workerd's schema.
 */
@NullMarked
package dev.capmesh.schema.model;

import org.jspecify.annotations.NullMarked;
