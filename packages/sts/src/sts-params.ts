import { StsError } from '@keyless/core';

/** The STS API version every action belongs to. */
export const STS_VERSION = '2011-06-15';

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** True when the Content-Type is a form (`application/x-www-form-urlencoded`, any parameters). */
export function isFormContentType(headers: Record<string, string | string[] | undefined>): boolean {
  const ct = headerValue(headers['content-type']);
  return ct !== undefined && ct.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/**
 * The request parameters: query string (MinIO clients) merged with a form body (AWS SDKs).
 * A parameter given in both places must have the same value. SigV4 query parameters are not
 * STS parameters and are left out.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/CommonParameters.html
 */
export function readParams(
  rawQuery: string,
  body: Buffer,
  headers: Record<string, string | string[] | undefined>,
): Map<string, string> {
  const params = new Map<string, string>();
  const add = (source: URLSearchParams): void => {
    for (const [name, value] of source) {
      if (name.startsWith('X-Amz-')) continue;
      const prior = params.get(name);
      if (prior !== undefined && prior !== value) {
        throw new StsError('InvalidParameterCombination', `Parameter ${name} is given twice with different values.`);
      }
      params.set(name, value);
    }
  };
  add(new URLSearchParams(rawQuery));
  if (body.length > 0 && isFormContentType(headers)) add(new URLSearchParams(body.toString('utf8')));
  return params;
}

/**
 * `DurationSeconds`: absent => `defaultSeconds`; otherwise a decimal integer from 900 to `max`.
 * @throws StsError InvalidParameterValue (400) otherwise, as AWS answers a ValidationError.
 */
export function readDuration(params: Map<string, string>, max: number, defaultSeconds = 3600): number {
  const raw = params.get('DurationSeconds');
  if (raw === undefined) return Math.min(defaultSeconds, max);
  if (!/^\d{1,9}$/.test(raw)) throw new StsError('InvalidParameterValue', 'DurationSeconds must be an integer number of seconds.');
  const value = Number(raw);
  if (value < 900 || value > max) {
    throw new StsError('InvalidParameterValue', `DurationSeconds must be between 900 and ${max} seconds.`);
  }
  return value;
}
