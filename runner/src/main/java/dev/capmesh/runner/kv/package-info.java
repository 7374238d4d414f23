/**
 * KV namespaces: the Workers KV semantics and limits ({@link dev.capmesh.runner.kv.KvNamespace})
 * over stores ({@link dev.capmesh.runner.kv.KvBackend}): an embedded H2 MVStore file
 * ({@link dev.capmesh.runner.kv.EmbeddedKv}) and Redis through Lettuce
 * ({@link dev.capmesh.runner.kv.RedisKv}), opened once per runner
 * ({@link dev.capmesh.runner.kv.KvBackends}).
 */
package dev.capmesh.runner.kv;
