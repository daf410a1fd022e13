/** Types of `parse-prometheus-text-format` (the package ships none). */
declare module 'parse-prometheus-text-format' {
    /** One sample of a metric family (histograms and summaries carry buckets / quantiles instead of a value). */
    export interface PrometheusSample {
        readonly value?: string;
        readonly labels?: Record<string, string>;
        readonly buckets?: Record<string, string>;
        readonly quantiles?: Record<string, string>;
        readonly count?: string;
        readonly sum?: string;
    }
    /** One metric family. */
    export interface PrometheusFamily {
        readonly name: string;
        readonly help: string;
        readonly type: string;
        readonly metrics: readonly PrometheusSample[];
    }
    /** Parses the Prometheus text exposition format. */
    export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
