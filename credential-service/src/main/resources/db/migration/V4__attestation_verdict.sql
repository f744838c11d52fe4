-- What checking performAttestation concluded (docs/attestation.md): provider, verified or the
-- failed check, the vendor's verdicts, whether they meet the tenant's minimum, and when. Null
-- where the tenant's mode for the platform is off, and for credentials enrolled before this.
ALTER TABLE credential ADD COLUMN attestation_verdict jsonb;
