-- Up Migration

-- What has outlived its use, deleted by the housekeeping workflow: rate-limit counters that
-- expired over an hour ago, refresh tokens a day past their expiry (an expired token is refused
-- anyway; the day keeps a late reuse attempt recognisable), redeemed Gmail connect links past
-- their expiry, and Idempotency-Keys past their retention. It runs across tenants, as the owner
-- of the tables, so the app role gets exactly this and no broader DELETE.
CREATE FUNCTION purge_expired_records(p_idempotency_ttl_hours integer)
  RETURNS TABLE (rate_limits bigint, refresh_tokens bigint, oauth_states bigint, idempotency_keys bigint)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  BEGIN
    DELETE FROM rate_limits WHERE expire IS NOT NULL AND expire < (extract(epoch FROM now()) * 1000)::bigint - 3600000;
    GET DIAGNOSTICS rate_limits = ROW_COUNT;
    DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day';
    GET DIAGNOSTICS refresh_tokens = ROW_COUNT;
    DELETE FROM gmail_oauth_states WHERE expires_at < now();
    GET DIAGNOSTICS oauth_states = ROW_COUNT;
    DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => p_idempotency_ttl_hours);
    GET DIAGNOSTICS idempotency_keys = ROW_COUNT;
    RETURN NEXT;
  END
  $$;
REVOKE ALL ON FUNCTION purge_expired_records(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_expired_records(integer) TO frontdesk_app;
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);
CREATE INDEX rate_limits_expire_idx ON rate_limits (expire);

-- Down Migration
DROP INDEX rate_limits_expire_idx;
DROP INDEX refresh_tokens_expires_idx;
DROP FUNCTION purge_expired_records(integer);
