{{/* Names and labels, after `helm create`. */}}
{{- define "countersign-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "countersign-lib.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "countersign-lib.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "countersign-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: countersign
{{- end }}

{{- define "countersign-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "countersign-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "countersign-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "countersign-lib.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* global.imageRegistry (bitnami: it wins) or image.registry, then /repository:tag, or @digest when one is given; the tag defaults to the chart's appVersion, never "latest". */}}
{{- define "countersign-lib.image" -}}
{{- $registry := ((.Values.global).imageRegistry) | default .Values.image.registry -}}
{{- $repository := .Values.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s/%s@%s" $registry $repository .Values.image.digest -}}
{{- else -}}
{{- $tag := .Values.image.tag | default (printf "%s%s" .Chart.AppVersion (ternary "-native" "" (eq .Values.runtime "native"))) | toString -}}
{{- if eq $tag "latest" -}}{{- fail "image.tag: pin a version (or image.digest); \"latest\" is not deployable reproducibly" -}}{{- end -}}
{{- printf "%s/%s:%s" $registry $repository $tag -}}
{{- end -}}
{{- end }}

{{/* The Secret the pods read their secret environment from: existingSecret, or the chart's own. */}}
{{- define "countersign-lib.secretName" -}}
{{- .Values.existingSecret | default (include "countersign-lib.fullname" .) }}
{{- end }}

{{/* The URL of a Countersign service inside the cluster: <release>-<service>:<port>. */}}
{{- define "countersign-lib.serviceUrl" -}}
{{- $service := .service -}}
{{- $override := index (.ctx.Values.global.countersign.serviceUrls | default dict) $service -}}
{{- if $override -}}
{{- $override -}}
{{- else -}}
{{- printf "http://%s-%s:%v" .ctx.Release.Name $service (.ctx.Values.global.countersign.servicePort | default 8080) -}}
{{- end -}}
{{- end }}

{{/* One properties line; the value's newlines escaped (PEM keys), backslashes kept. */}}
{{- define "countersign-lib.property" -}}
{{ .key }}={{ .value | toString | replace "\\" "\\\\" | replace "\n" "\\n" }}
{{- end }}

{{/*
The Secret with countersign.internal.secret, shared by every service: global.countersign.internalSecret.existingSecret,
or the one the umbrella chart creates (<release>-countersign-internal; keep in step with countersign.internalSecretName).
*/}}
{{- define "countersign-lib.internalSecretName" -}}
{{- $s := (((.Values.global).countersign).internalSecret) | default dict -}}
{{- $s.existingSecret | default (printf "%s-countersign-internal" .Release.Name) }}
{{- end }}

{{- define "countersign-lib.internalSecretKey" -}}
{{- $s := (((.Values.global).countersign).internalSecret) | default dict -}}
{{- $s.key | default "internal-secret" }}
{{- end }}
