// The Security Hub section ("securityHub"): off by default. When on, every revert, world-open
// replacement, refused feed and missed event is also an ASFF finding of the account's default
// product (arn:<partition>:securityhub:<region>:<account>:product/<account>/default).
import * as z from 'zod';

export const SecurityHubSettingsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The product the findings are imported under; Terraform passes the account's default product. */
    productArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:\d{12}:product\/\d{12}\/default$/, "must be the account's default Security Hub product ARN (arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default)")
      .optional(),
  })
  .strict()
  .refine((s) => !s.enabled || s.productArn !== undefined, { message: 'is required when securityHub.enabled is true', path: ['productArn'] })
  .prefault({});

export type SecurityHubSettings = z.infer<typeof SecurityHubSettingsSchema>;
