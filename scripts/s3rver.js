// @20minutes/s3rver 4.0.4 ships its command line as a module without an executable script; this runs it.
// services.sh starts it with --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with DES,
// which Node 17+ (OpenSSL 3) only provides through the legacy provider.
// Usage: node scripts/s3rver.js <path to s3rver/lib/cli.js> [s3rver options]
const cli = process.argv.splice(2, 1)[0];
require(cli).parseAsync(process.argv);
