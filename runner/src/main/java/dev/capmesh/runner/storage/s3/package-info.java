/**
 * The S3 object backend ({@link dev.capmesh.runner.storage.s3.S3ObjectBackend}): R2's object model
 * over any S3-compatible server, through the AWS SDK v2 async client.
 */
@NullMarked
package dev.capmesh.runner.storage.s3;

import org.jspecify.annotations.NullMarked;
