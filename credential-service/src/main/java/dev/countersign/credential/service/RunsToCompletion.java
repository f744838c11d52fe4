package dev.countersign.credential.service;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.interceptor.InterceptorBinding;

/**
 * The {@code Uni} a method answers runs to its end once subscribed, even if its subscriber cancels.
 * Quarkus REST cancels a request's {@code Uni} when the client goes away; with a Hibernate Reactive
 * session open ({@code @WithTransaction}, {@code @WithSession}) that closed the session while a
 * statement was still on the wire — "Live transaction detected while closing the connection", a
 * session then touched from two places — instead of letting the transaction commit or roll back.
 * Bound outside those interceptors, so the session's whole life is shielded.
 */
@InterceptorBinding
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface RunsToCompletion {
}
