CREATE TABLE `ledger_reevaluations` (
	`config_version` integer PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`cursor` text DEFAULT '' NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`total` integer NOT NULL,
	`changed` integer DEFAULT 0 NOT NULL,
	`lease` text,
	`lease_until` integer,
	`finished_at` integer,
	`superseded_by` integer
);
