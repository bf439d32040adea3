{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "hyperdesk.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name: <release>-hyperdesk (the release name alone when it already says
hyperdesk). It also names the leader Lease.
*/}}
{{- define "hyperdesk.fullname" -}}
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

{{- define "hyperdesk.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "hyperdesk.labels" -}}
helm.sh/chart: {{ include "hyperdesk.chart" . }}
{{ include "hyperdesk.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hyperdesk
{{- end }}

{{/* Labels that select the engine pod (stable across upgrades). */}}
{{- define "hyperdesk.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hyperdesk.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: engine
{{- end }}

{{/* The image reference: repository@digest when a digest is pinned, else repository:tag. */}}
{{- define "hyperdesk.image" -}}
{{- $repo := required "image.repository is required" .Values.image.repository }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The Secret holding signing-key and anthropic-api-key. */}}
{{- define "hyperdesk.secretName" -}}
{{- if eq .Values.secrets.source "existingSecret" }}
{{- required "secrets.existingSecret is required when secrets.source is existingSecret" .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-keys" (include "hyperdesk.fullname" .) }}
{{- end }}
{{- end }}

{{/* The PVC holding the SQLite journal. */}}
{{- define "hyperdesk.claimName" -}}
{{- default (printf "%s-data" (include "hyperdesk.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* Prometheus label matchers of this release's engine series (job = the Service name). */}}
{{- define "hyperdesk.promSelector" -}}
namespace="{{ .Release.Namespace }}",job="{{ include "hyperdesk.fullname" . }}"
{{- end }}

{{/* The leader Lease: <release>-hyperdesk, one per release (one traded account). */}}
{{- define "hyperdesk.leaseName" -}}
{{- printf "%s-hyperdesk" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
