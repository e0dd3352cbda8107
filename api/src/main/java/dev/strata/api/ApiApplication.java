package dev.strata.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The API's version root; the WAR is deployed at {@code /api}, so everything lives under {@code /api/v1}. */
@ApplicationPath("v1")
public class ApiApplication extends Application {
}
