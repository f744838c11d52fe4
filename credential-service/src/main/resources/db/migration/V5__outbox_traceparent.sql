-- The W3C traceparent of the request that caused the event (docs/observability.md#tracing), so the
-- relay publishes it as part of that request's trace. Null while tracing is off, and for older rows.
ALTER TABLE credential_outbox ADD COLUMN traceparent text;
