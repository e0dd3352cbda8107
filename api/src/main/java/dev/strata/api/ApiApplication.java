package dev.strata.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The API's version root; the WAR is deployed at {@code /api}, so everything lives under {@code /api/v1}.
 * Payara serves the generated OpenAPI document at {@code /openapi}.
 */
@ApplicationPath("v1")
@OpenAPIDefinition(info = @Info(title = "Strata API", version = "v1",
        description = "Managed databases (PostgreSQL, MySQL/MariaDB, Redis) and S3-compatible buckets per project."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
public class ApiApplication extends Application {
}
