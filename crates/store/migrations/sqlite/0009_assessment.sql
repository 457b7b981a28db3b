-- A case's assessment facts (legal checklist facts, vulnerabilities, family unit, flag
-- clearances and score overrides with their reasons), sealed like the rest of the case. NULL
-- when nothing is recorded.
ALTER TABLE cases ADD COLUMN assessment BLOB;
