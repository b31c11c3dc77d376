import type { FastifySchemaValidationError } from "fastify";

/** `reset_password_token` → `Reset password token`; the reference's error sentences read so. */
function humanize(path: string): string {
  const name = path.split("/").filter(Boolean).join(" ").replace(/_/g, " ").trim();
  return name ? name[0]!.toUpperCase() + name.slice(1) : "Body";
}

/** One schema failure as a readable sentence: "Email can't be blank", "Page must be a number". */
export function describeIssue(issue: FastifySchemaValidationError, where: string): string {
  const field = humanize(issue.instancePath);
  const params = issue.params as Record<string, unknown>;
  const subject = field === "Body" && where !== "body" ? humanize(where) : field;
  switch (issue.keyword) {
    case "invalid_type":
      if (/received undefined/.test(issue.message ?? "")) return `${subject} can't be blank`;
      if (field === "Body") return `Body must be a JSON object`;
      // A schema that says its own sentence (zod's own begin "Invalid input").
      if (issue.message && !issue.message.startsWith("Invalid input")) return issue.message;
      return `${subject} must be ${article(String(params.expected))}`;
    case "too_small":
      return params.origin === "string"
        ? Number(params.minimum) <= 1
          ? `${subject} can't be blank`
          : `${subject} is too short (minimum is ${params.minimum} characters)`
        : `${subject} must be greater than or equal to ${params.minimum}`;
    case "too_big":
      return params.origin === "string"
        ? `${subject} is too long (maximum is ${params.maximum} characters)`
        : `${subject} must be less than or equal to ${params.maximum}`;
    case "invalid_format":
      return `${subject} is invalid`;
    case "invalid_value":
      return `${subject} must be one of: ${((params.values as unknown[]) ?? []).join(", ")}`;
    // A refinement's or a union's own sentence (storedOptions', aliases') says more than "is invalid".
    case "custom":
    case "invalid_union":
      return issue.message && !issue.message.startsWith("Invalid input") ? issue.message : `${subject} is invalid`;
    default:
      return `${subject} is invalid`;
  }
}

function article(type: string): string {
  const names: Record<string, string> = { int: "a whole number", number: "a number", boolean: "true or false", string: "a string", object: "an object", array: "an array" };
  return names[type] ?? `a ${type}`;
}
