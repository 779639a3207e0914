CREATE TYPE "public"."department_kind" AS ENUM('municipal-department', 'central-agency', 'district-government', 'management-body', 'collective');--> statement-breakpoint
CREATE TYPE "public"."assignment_role" AS ENUM('lead', 'responsible');--> statement-breakpoint
CREATE TABLE "department_members" (
	"collective_code" text NOT NULL,
	"member_code" text NOT NULL,
	CONSTRAINT "department_members_collective_code_member_code_pk" PRIMARY KEY("collective_code","member_code")
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"english_name" text NOT NULL,
	"kind" "department_kind" NOT NULL,
	CONSTRAINT "departments_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "categories" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"title" text NOT NULL,
	CONSTRAINT "categories_plan_id_ordinal_unique" UNIQUE("plan_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "measures" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"category_id" integer NOT NULL,
	"no" integer NOT NULL,
	"title" text NOT NULL,
	CONSTRAINT "measures_plan_id_no_unique" UNIQUE("plan_id","no")
);
--> statement-breakpoint
CREATE TABLE "plan_phases" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"code" text NOT NULL,
	"parent_code" text,
	"ordinal" integer NOT NULL,
	"name" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	CONSTRAINT "plan_phases_plan_id_code_unique" UNIQUE("plan_id","code")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"document_no" text NOT NULL,
	"issuer" text NOT NULL,
	"issued_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "task_assignments" (
	"task_id" integer NOT NULL,
	"role" "assignment_role" NOT NULL,
	"department_code" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "task_assignments_task_id_role_department_code_pk" PRIMARY KEY("task_id","role","department_code")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"measure_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"content" text NOT NULL,
	"note" text,
	"lead_open_ended" boolean NOT NULL,
	"responsible_open_ended" boolean NOT NULL,
	CONSTRAINT "tasks_measure_id_seq_unique" UNIQUE("measure_id","seq")
);
--> statement-breakpoint
ALTER TABLE "department_members" ADD CONSTRAINT "department_members_collective_code_departments_code_fk" FOREIGN KEY ("collective_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_members" ADD CONSTRAINT "department_members_member_code_departments_code_fk" FOREIGN KEY ("member_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measures" ADD CONSTRAINT "measures_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measures" ADD CONSTRAINT "measures_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_phases" ADD CONSTRAINT "plan_phases_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_assignments" ADD CONSTRAINT "task_assignments_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_assignments" ADD CONSTRAINT "task_assignments_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_measure_id_measures_id_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measures"("id") ON DELETE no action ON UPDATE no action;