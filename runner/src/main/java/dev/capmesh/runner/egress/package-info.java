/**
 * Outbound network access: which addresses may be reached ({@link
 * dev.capmesh.runner.egress.NetworkPolicy}), how URL hosts are read ({@link
 * dev.capmesh.runner.egress.HostParser}), how names are resolved ({@link
 * dev.capmesh.runner.egress.HostResolver}) and the one seam that opens connections ({@link
 * dev.capmesh.runner.egress.Connector}).
 *
 * <p>Decisions where workerd leaves room:
 *
 * <ul>
 *   <li>Rule semantics follow kj's network filter that workerd uses: keyword expansion, prefix
 *       length as specificity, deny wins at equal or greater specificity, reserved ranges always
 *       refused, {@code deny "public"} and {@code deny "network"} rejected as config errors.
 *   <li>Besides v4-mapped IPv6 ({@code ::ffff:a.b.c.d}), the deprecated v4-compatible form
 *       ({@code ::a.b.c.d}, other than {@code ::} and {@code ::1}) is judged as IPv4 too; kj does
 *       not do this, but such an address must never slip past a v4 deny.
 *   <li>{@code unix} and {@code unix-abstract} are accepted and ignored: capmesh network
 *       services connect over TCP only.
 *   <li>A refusal is an exception (the worker's {@code fetch()} rejects), not a synthetic HTTP
 *       response, so it can never be mistaken for an upstream answer. For a name, all resolved
 *       addresses are checked and the first allowed one is used, as workerd filters lookup
 *       results; the message names the first refused address.
 *   <li>{@code localhost} and {@code *.localhost} resolve to loopback without DNS (RFC 6761).
 * </ul>
 */
package dev.capmesh.runner.egress;
