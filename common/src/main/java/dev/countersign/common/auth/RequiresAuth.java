package dev.countersign.common.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a REST method (or all methods of a resource) as needing one of these schemes; the
 * {@link AuthenticationFilter} checks the {@code Authorization} header before the method runs
 * and hands the result to it as {@link CurrentCaller}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresAuth {
    AuthScheme[] value();
}
