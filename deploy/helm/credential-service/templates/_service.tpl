{{/* credential-service's own non-secret properties: the database (Flyway migrates over JDBC, the service runs reactively). */}}
{{- define "credential-service.properties" -}}
{{- $db := .Values.database -}}
{{- $host := $db.host | default (printf "%s-postgresql" .Release.Name) -}}
{{- $ssl := ternary (printf "?sslmode=%s" $db.sslMode) "" (ne ($db.sslMode | default "") "") -}}
quarkus.datasource.jdbc.url: {{ printf "jdbc:postgresql://%s:%v/%s%s" $host $db.port $db.name $ssl | quote }}
quarkus.datasource.reactive.url: {{ printf "postgresql://%s:%v/%s%s" $host $db.port $db.name $ssl | quote }}
quarkus.datasource.username: {{ $db.username | quote }}
{{- end }}

{{/* Secret environment: the database password. */}}
{{- define "credential-service.secretData" -}}
{{- with .Values.database.password }}
QUARKUS_DATASOURCE_PASSWORD: {{ . | quote }}
{{- end }}
{{- end }}

{{/* The password from another Secret's key: database.passwordSecret, or the umbrella's bundled PostgreSQL when database.host is empty. */}}
{{- define "credential-service.extraEnv" -}}
{{- $db := .Values.database -}}
{{- if and (not $db.password) (not .Values.existingSecret) (or $db.passwordSecret.name (not $db.host)) }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.passwordSecret.name | default (printf "%s-postgresql" .Release.Name) }}
      key: {{ $db.passwordSecret.key }}
{{- end }}
{{- end }}
