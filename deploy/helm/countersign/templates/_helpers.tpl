{{- define "countersign.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "countersign.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: countersign
{{- end }}

{{/* The routing table (files/routes.yaml), the single source of the public paths. */}}
{{- define "countersign.routes" -}}
{{- .Files.Get "files/routes.yaml" }}
{{- end }}

{{/*
A route's Kubernetes path: a prefix as it is (pathType Prefix matches whole segments); a pattern as
an anchored regular expression with the same segment rule (ImplementationSpecific).
*/}}
{{- define "countersign.regexPath" -}}
{{- printf "%s(/|$)" . -}}
{{- end }}

{{/* The Service of a route's service: <release>-<service> (the subcharts' default fullname). */}}
{{- define "countersign.backend" -}}
{{- printf "%s-%s" .ctx.Release.Name .service | trunc 63 | trimSuffix "-" -}}
{{- end }}
