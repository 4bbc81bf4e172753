// Validates the public API's OpenAPI document (written by `billing-reports openapi`) against the
// OpenAPI specification's own JSON schema, and checks that every reference resolves. Exits 1
// with the validator's findings when it is not valid.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const file = process.argv[2];
const document = JSON.parse(readFileSync(file, "utf8"));
const validator = new Validator();
const result = await validator.validate(document);
if (!result.valid) {
  console.error(`${file} is not a valid OpenAPI ${document.openapi} document:`);
  console.error(JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
const operations = Object.values(document.paths).flatMap((item) => Object.keys(item)).length;
const shapes = Object.keys(document.components?.schemas ?? {}).length;
const webhooks = Object.keys(document.webhooks ?? {}).length;
console.log(
  `OpenAPI ${document.openapi} document valid (${validator.version}): ${operations} operations, ${webhooks} webhooks, ${shapes} shapes`,
);
