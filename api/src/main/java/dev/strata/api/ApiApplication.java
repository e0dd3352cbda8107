package dev.strata.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The API's version root; the WAR is deployed at {@code /api}, so everything lives under {@code /api/v1}.
 * Payara serves the OpenAPI document at {@code /openapi}: the hand-written {@code META-INF/openapi.yaml}, the
 * contract (annotation scanning is off EAR-wide, in the domain jar's {@code META-INF/microprofile-config.properties}, so nothing is added
 * to it; {@code OpenApiDocumentTest} keeps it and the resources in step).
 */
@ApplicationPath("v1")
public class ApiApplication extends Application {
}
