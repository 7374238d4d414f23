/** Test-only: a real S3-compatible server started in-process ({@link dev.capmesh.testing.s3.S3TestServer}). */
@NullMarked
package dev.capmesh.testing.s3;

import org.jspecify.annotations.NullMarked;
