CREATE TABLE `privacy_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`action` text NOT NULL,
	`email_hash` text NOT NULL,
	`found` integer NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	CONSTRAINT "privacy_requests_action" CHECK("privacy_requests"."action" IN ('erase', 'export'))
);
--> statement-breakpoint
CREATE INDEX `privacy_requests_email_hash` ON `privacy_requests` (`email_hash`);