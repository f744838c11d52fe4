{{/*
The service's application.properties, mounted from the ConfigMap and read through
QUARKUS_CONFIG_LOCATIONS. Non-secret values only: secrets travel as environment variables from the
Secret. config_ordinal 270 puts this file above the packaged application.properties (250) and below
the environment (300).
Call with (dict "ctx" . "properties" <dict of the service's own properties>).
*/}}
{{- define "countersign-lib.applicationProperties" -}}
{{- $ctx := .ctx -}}
{{- $g := $ctx.Values.global.countersign -}}
# Rendered by the {{ $ctx.Chart.Name }} chart; see docs/operations.md.
config_ordinal=270
{{ include "countersign-lib.property" (dict "key" "kafka.bootstrap.servers" "value" (required "global.countersign.kafka.bootstrapServers is required" $g.kafka.bootstrapServers)) }}
{{ include "countersign-lib.property" (dict "key" "countersign.services.credential-url" "value" (include "countersign-lib.serviceUrl" (dict "ctx" $ctx "service" "credential-service"))) }}
{{ include "countersign-lib.property" (dict "key" "countersign.services.challenge-url" "value" (include "countersign-lib.serviceUrl" (dict "ctx" $ctx "service" "challenge-service"))) }}
{{- with $g.trustedProxies }}
{{ include "countersign-lib.property" (dict "key" "countersign.trusted-proxies" "value" (join "," .)) }}
{{- end }}
{{- with $g.tokens.issuer }}
{{ include "countersign-lib.property" (dict "key" "countersign.tokens.issuer" "value" .) }}
{{- end }}
{{- with $g.tokens.lifetime }}
{{ include "countersign-lib.property" (dict "key" "countersign.tokens.lifetime" "value" .) }}
{{- end }}
{{ include "countersign-lib.property" (dict "key" "countersign.tokens.public-keys" "value" (join "," (required "global.countersign.tokens.publicKeys: at least one PEM public key" $g.tokens.publicKeys))) }}
{{- range $tenant := (required "global.countersign.tenants: at least one tenant" $g.tenants) }}
{{- $prefix := printf "countersign.tenants.\"%s\"." (required "global.countersign.tenants[].id is required" $tenant.id) }}
{{ include "countersign-lib.property" (dict "key" (print $prefix "secret-sha256") "value" (required "global.countersign.tenants[].secretSha256 is required" $tenant.secretSha256)) }}
{{- with $tenant.allowedOrigins }}
{{ include "countersign-lib.property" (dict "key" (print $prefix "allowed-origins") "value" (join "," .)) }}
{{- end }}
{{- range $code, $state := $tenant.actionStates }}
{{ include "countersign-lib.property" (dict "key" (printf "%saction-states.\"%s\"" $prefix $code) "value" $state) }}
{{- end }}
{{- with $tenant.webhookUrl }}
{{ include "countersign-lib.property" (dict "key" (print $prefix "webhook-url") "value" .) }}
{{- end }}
{{- end }}
{{- range $key, $value := .properties }}
{{ include "countersign-lib.property" (dict "key" $key "value" $value) }}
{{- end }}
{{- range $key, $value := $ctx.Values.config }}
{{ include "countersign-lib.property" (dict "key" $key "value" $value) }}
{{- end }}
{{- end }}

{{/* The environment variable SmallRye reads countersign.tenants."<id>".<key> from (id case is lost; ids must differ in more than case). */}}
{{- define "countersign-lib.tenantVariable" -}}
{{- /* regexReplaceAll takes the text second: piped in, it would be the replacement. */ -}}
{{- regexReplaceAll "[^A-Za-z0-9]" (printf "COUNTERSIGN_TENANTS__%s__%s" .id .key) "_" | upper -}}
{{- end }}

{{- define "countersign-lib.configmap" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "countersign-lib.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "countersign-lib.labels" $ctx | nindent 4 }}
data:
  application.properties: |
    {{- include "countersign-lib.applicationProperties" . | nindent 4 }}
{{- end }}

{{/*
The chart's own Secret (unless existingSecret names one): environment variables only, each key the
variable's name. Call with (dict "ctx" . "data" <dict of name -> value>); empty data renders nothing.
*/}}
{{- define "countersign-lib.secret" -}}
{{- $ctx := .ctx -}}
{{- $data := merge (dict) .data ($ctx.Values.secretEnv | default dict) -}}
{{- if and (not $ctx.Values.existingSecret) $data }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "countersign-lib.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "countersign-lib.labels" $ctx | nindent 4 }}
type: Opaque
data:
  {{- range $key, $value := $data }}
  {{ $key }}: {{ $value | toString | b64enc | quote }}
  {{- end }}
{{- end }}
{{- end }}
