package dev.strata.provisioning.metadata;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;

/** Declares the application's metadata data source; see {@link MetadataDataSource} for how it is chosen. */
@Singleton
@DataSourceDefinition(
        name = "java:app/jdbc/strata",
        className = "dev.strata.provisioning.metadata.MetadataDataSource",
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {"fish.payara.is-connection-validation-required=true",
                "fish.payara.connection-validation-method=auto-commit"})
public class MetadataDataSourceDefinition {
}
