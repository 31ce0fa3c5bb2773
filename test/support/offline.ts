/**
 * Runs before every test file (vitest `setupFiles`). Test files share their worker processes
 * (`isolate: false`), so a file that went online as `pulumi up` does, for its preflight or
 * discovery tests, would otherwise hand the next file in that worker a live network: its
 * components would then send their preflight to hosts such as keycloak.example.com. Every file
 * starts offline, as the mock harness and the render run; a test that needs the network says so.
 */
import { OFFLINE_ENV } from "../../components/config";

process.env[OFFLINE_ENV] = "1";
