/**
 * The audit trail: {@link dev.capmesh.runner.audit.AuditLog} writes one hash-chained JSON line
 * per binding use; {@link dev.capmesh.runner.audit.AuditVerifier} checks a chain;
 * {@link dev.capmesh.runner.audit.AuditReader} reads lines back for reports.
 */
@NullMarked
package dev.capmesh.runner.audit;

import org.jspecify.annotations.NullMarked;
