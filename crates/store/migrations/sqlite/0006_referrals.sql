-- A grant of a case to another organisation is either a share (the organisation reads the
-- whole case) or a referral (a sponsor's organisation reads only the referral's fields).
ALTER TABLE case_shares ADD COLUMN kind TEXT NOT NULL DEFAULT 'share'
    CHECK (kind IN ('share', 'referral'));
