ALTER TYPE "public"."reminder_status" ADD VALUE 'sending';--> statement-breakpoint
ALTER TYPE "public"."reminder_status" ADD VALUE 'recorded';--> statement-breakpoint
ALTER TABLE "reminders" ADD COLUMN "lease_until" timestamp with time zone;