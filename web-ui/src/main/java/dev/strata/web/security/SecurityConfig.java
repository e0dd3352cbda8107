package dev.strata.web.security;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.CustomFormAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.LoginToContinue;

/** Form sign-in on {@code /login.xhtml}; every signed-in user has the role {@code user}. */
@ApplicationScoped
@DeclareRoles("user")
@CustomFormAuthenticationMechanismDefinition(loginToContinue = @LoginToContinue(loginPage = "/login.xhtml",
        errorPage = "", useForwardToLogin = false))
public class SecurityConfig {
}
