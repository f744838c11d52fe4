package dev.countersign.e2e;

import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.local.launcher.StackSettings;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One Countersign for the whole test run, started with the launcher's own code (real servers,
 * the three packaged services as processes, the edge on a free port) and stopped at the end.
 */
public final class RunningStack implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CountersignStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(
                CountersignStack.class,
                key -> CountersignStack.start(StackSettings.fromEnvironment().withEdgePort(0)),
                CountersignStack.class);
    }
}
