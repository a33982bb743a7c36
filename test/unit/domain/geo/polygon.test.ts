import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/domain/errors.ts';
import { bbox, type LngLat, parseRing, pointInRing, ringsOverlap, toGeoJson } from '../../../../src/domain/geo/polygon.ts';

const square = (x: number, y: number, size = 1): LngLat[] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
];

function errorOf(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidInputError) return e;
    throw e;
  }
  throw new Error('expected an InvalidInputError');
}

const keyOf = (input: unknown) => errorOf(() => parseRing(input)).key;

// Signed area (> 0 counter-clockwise) of a closed ring.
const signedArea = (closed: LngLat[]) =>
  closed.slice(0, -1).reduce((s, [x1, y1], i) => s + (x1 * closed[i + 1]![1] - closed[i + 1]![0] * y1), 0) / 2;

describe('parseRing', () => {
  const open = square(121.4, 31.2, 0.1);

  it('accepts an open array of pairs', () => {
    expect(parseRing(open)).toEqual(open);
  });

  it('drops the closing point of a closed ring', () => {
    expect(parseRing([...open, open[0]])).toEqual(open);
  });

  it('uses the outer ring of a GeoJSON Polygon and ignores holes', () => {
    const hole = square(121.42, 31.22, 0.01);
    expect(parseRing({ type: 'Polygon', coordinates: [[...open, open[0]], [...hole, hole[0]]] })).toEqual(open);
  });

  it('accepts a Feature whose geometry is a Polygon', () => {
    const feature = { type: 'Feature', properties: { name: '浦东' }, geometry: { type: 'Polygon', coordinates: [open] } };
    expect(parseRing(feature)).toEqual(open);
  });

  it('drops an altitude in 3D positions', () => {
    expect(parseRing(open.map(([x, y]) => [x, y, 12]))).toEqual(open);
  });

  it('removes consecutive duplicate points, including around the closing point', () => {
    const [a, b, c, d] = open as [LngLat, LngLat, LngLat, LngLat];
    expect(parseRing([a, a, b, b, b, c, d, d, a, a])).toEqual(open);
  });

  it('keeps the given orientation', () => {
    const clockwise = [...open].reverse();
    expect(parseRing(clockwise)).toEqual(clockwise);
  });

  it('returns copies that do not alias the input positions', () => {
    const input = square(0, 0);
    const ring = parseRing(input);
    ring[0]![0] = 99;
    expect(input[0]![0]).toBe(0);
  });

  it.each([
    ['a MultiPolygon', { type: 'MultiPolygon', coordinates: [[square(0, 0)]] }],
    ['a Point', { type: 'Point', coordinates: [121, 31] }],
    ['a Feature with a MultiPolygon', { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [] } }],
    ['a Feature without geometry', { type: 'Feature', geometry: null }],
    ['a FeatureCollection', { type: 'FeatureCollection', features: [] }],
    ['a Polygon without rings', { type: 'Polygon', coordinates: [] }],
    ['a Polygon with bad coordinates', { type: 'Polygon', coordinates: 'x' }],
    ['a string', 'POLYGON((0 0, 1 0, 1 1, 0 0))'],
    ['JSON text', JSON.stringify(square(0, 0))],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an object', { coordinates: [square(0, 0)] }],
    ['Polygon coordinates instead of a ring', [square(0, 0)]],
    ['NaN', [[0, 0], [1, 0], [Number.NaN, 1]]],
    ['Infinity', [[0, 0], [1, 0], [Number.POSITIVE_INFINITY, 1]]],
    ['numeric strings', [['0', '0'], ['1', '0'], ['1', '1']]],
    ['a position with one number', [[0, 0], [1, 0], [1]]],
    ['a position with four numbers', [[0, 0], [1, 0], [1, 1, 0, 0]]],
    ['a non-array position', [[0, 0], [1, 0], { lng: 1, lat: 1 }]],
  ])('rejects %s as not a polygon', (_, input) => {
    expect(keyOf(input)).toBe('region.polygon_not_polygon');
  });

  it('throws typed errors with code "invalid"', () => {
    const e = errorOf(() => parseRing('nope'));
    expect(e.code).toBe('invalid');
  });

  it.each([
    [[[-181, 0], [0, 0], [0, 1]]],
    [[[181, 0], [0, 0], [0, 1]]],
    [[[0, -90.5], [1, 0], [0, 1]]],
    [[[0, 91], [1, 0], [0, 1]]],
    // lat/lng swapped, as often happens with Chinese data
    [[[31.2, 121.4], [31.3, 121.4], [31.3, 121.5]]],
  ])('rejects coordinates out of range: %j', (ring) => {
    expect(keyOf(ring)).toBe('region.polygon_out_of_range');
  });

  it('accepts the extreme valid coordinates', () => {
    expect(parseRing([[-180, -90], [180, -90], [180, 90], [-180, 90]])).toHaveLength(4);
  });

  it.each([
    [[], 0],
    [[[0, 0]], 1],
    [[[0, 0], [1, 1]], 2],
    [[[0, 0], [1, 1], [0, 0]], 2],
    [[[0, 0], [0, 0], [0, 0], [0, 0]], 1],
    [[[0, 0], [1, 1], [0, 0], [1, 1]], 2],
  ])('rejects too few distinct points: %j', (ring, count) => {
    const e = errorOf(() => parseRing(ring));
    expect(e.key).toBe('region.polygon_too_few_points');
    expect(e.params).toEqual({ count });
  });

  it('rejects a bow tie', () => {
    expect(keyOf([[0, 0], [1, 1], [1, 0], [0, 1]])).toBe('region.polygon_self_intersecting');
  });

  it('rejects a ring whose vertex touches a non-adjacent edge', () => {
    // The fourth vertex (1, 0) lies on the first edge.
    expect(keyOf([[0, 0], [2, 0], [2, 2], [1, 0], [0, 2]])).toBe('region.polygon_self_intersecting');
  });

  it('rejects a ring that passes through the same vertex twice (figure eight)', () => {
    expect(keyOf([[0, 0], [1, 1], [2, 0], [2, 2], [1, 1], [0, 2]])).toBe('region.polygon_self_intersecting');
  });

  it('rejects a spike that doubles back along the previous edge', () => {
    expect(keyOf([[0, 0], [2, 0], [1, 0], [1, 1]])).toBe('region.polygon_self_intersecting');
  });

  it('rejects a star drawn with crossing edges', () => {
    const star: LngLat[] = [0, 2, 4, 1, 3].map((k) => [Math.cos((k * 2 * Math.PI) / 5), Math.sin((k * 2 * Math.PI) / 5)]);
    expect(keyOf(star)).toBe('region.polygon_self_intersecting');
  });

  it.each([
    [[[0, 0], [1, 1], [2, 2]]],
    [[[0, 0], [2, 2], [1, 1]]],
    [[[0, 0], [0.1, 0.2], [0.3, 0.6]]],
    [[[121.1, 31.1], [121.2, 31.3], [121.4, 31.7], [121.3, 31.5]]],
  ])('rejects collinear points (zero area): %j', (ring) => {
    expect(keyOf(ring)).toBe('region.polygon_self_intersecting');
  });

  it('accepts a concave ring and collinear vertices along an edge', () => {
    const u: LngLat[] = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]];
    expect(parseRing(u)).toEqual(u);
    const withMidpoints: LngLat[] = [[0, 0], [1, 0], [2, 0], [2, 2], [0, 2], [0, 1]];
    expect(parseRing(withMidpoints)).toEqual(withMidpoints);
  });

  it('accepts a thin but real triangle', () => {
    expect(parseRing([[121.4, 31.2], [121.5, 31.2], [121.45, 31.2001]])).toHaveLength(3);
  });

  it('validates a large ring quickly', () => {
    const circle: LngLat[] = Array.from({ length: 5000 }, (_, i) => {
      const a = (i / 5000) * 2 * Math.PI;
      return [121 + Math.cos(a), 31 + Math.sin(a)];
    });
    const started = performance.now();
    expect(parseRing(circle)).toHaveLength(5000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('toGeoJson', () => {
  it('closes a counter-clockwise ring without reordering it', () => {
    const ccw = square(0, 0);
    expect(toGeoJson(ccw)).toEqual({ type: 'Polygon', coordinates: [[...ccw, [0, 0]]] });
  });

  it('reverses a clockwise ring, keeping its first vertex', () => {
    const cw: LngLat[] = [[0, 0], [0, 1], [1, 1], [1, 0]];
    const [ring] = toGeoJson(cw).coordinates;
    expect(ring).toEqual([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]);
    expect(signedArea(ring!)).toBeGreaterThan(0);
  });

  it('does not close an already closed ring twice', () => {
    const closed: LngLat[] = [...square(0, 0), [0, 0]];
    expect(toGeoJson(closed).coordinates[0]).toHaveLength(5);
  });

  it('round-trips through parseRing and JSON', () => {
    const ring = parseRing([[121.5, 31.2], [121.4, 31.3], [121.4, 31.2]]);
    const geo = toGeoJson(ring);
    expect(signedArea(geo.coordinates[0]!)).toBeGreaterThan(0);
    const again = parseRing(JSON.parse(JSON.stringify(geo)));
    expect(new Set(again.map(String))).toEqual(new Set(ring.map(String)));
  });

  it('does not share positions with the input', () => {
    const ring = square(0, 0);
    toGeoJson(ring).coordinates[0]![0]![0] = 5;
    expect(ring[0]![0]).toBe(0);
  });
});

describe('bbox', () => {
  it('is the extent of the ring', () => {
    expect(bbox([[121.4, 31.3], [121.6, 31.1], [121.5, 31.5]])).toEqual({
      minLng: 121.4,
      minLat: 31.1,
      maxLng: 121.6,
      maxLat: 31.5,
    });
  });

  it('works with negative coordinates', () => {
    expect(bbox([[-74.1, 40.6], [-73.9, 40.6], [-74, 40.9]])).toEqual({
      minLng: -74.1,
      minLat: 40.6,
      maxLng: -73.9,
      maxLat: 40.9,
    });
  });
});

describe('pointInRing', () => {
  const sq = square(0, 0, 2);
  // U shape: the notch between x=1..2 from y=1 up is outside.
  const u: LngLat[] = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]];

  it('finds points inside and outside a square', () => {
    expect(pointInRing(1, 1, sq)).toBe(true);
    expect(pointInRing(0.001, 1.999, sq)).toBe(true);
    expect(pointInRing(3, 1, sq)).toBe(false);
    expect(pointInRing(-0.001, 1, sq)).toBe(false);
    expect(pointInRing(1, 2.001, sq)).toBe(false);
  });

  it('counts the boundary as inside: edges and vertices', () => {
    expect(pointInRing(0, 0, sq)).toBe(true);
    expect(pointInRing(2, 2, sq)).toBe(true);
    expect(pointInRing(1, 0, sq)).toBe(true);
    expect(pointInRing(2, 1.5, sq)).toBe(true);
    expect(pointInRing(0, 1, sq)).toBe(true);
    expect(pointInRing(1.5, 0.5, [[0, 0], [3, 1], [0, 1]])).toBe(true); // on the slanted edge
  });

  it('handles concave rings', () => {
    expect(pointInRing(1.5, 2, u)).toBe(false);
    expect(pointInRing(1.5, 0.5, u)).toBe(true);
    expect(pointInRing(0.5, 2, u)).toBe(true);
    expect(pointInRing(2.5, 2, u)).toBe(true);
    expect(pointInRing(1.5, 1, u)).toBe(true); // bottom of the notch
  });

  it('is not fooled by a ray passing through vertices', () => {
    const diamond: LngLat[] = [[0, 1], [1, 0], [2, 1], [1, 2]];
    expect(pointInRing(1, 1, diamond)).toBe(true);
    expect(pointInRing(-1, 1, diamond)).toBe(false);
    expect(pointInRing(3, 1, diamond)).toBe(false);
    expect(pointInRing(-1, 0, u)).toBe(false); // level with the bottom edge
    expect(pointInRing(-1, 3, u)).toBe(false); // level with the top edges
    expect(pointInRing(0.5, 1, u)).toBe(true); // level with the notch bottom
  });

  it('works the same for either orientation', () => {
    const cw = [...u].reverse();
    for (const [x, y] of [[1.5, 2], [1.5, 0.5], [0.5, 2], [5, 5]] as LngLat[]) {
      expect(pointInRing(x, y, cw)).toBe(pointInRing(x, y, u));
    }
  });

  it('locates stores in a real-world region', () => {
    const pudong = parseRing([[121.5, 31.15], [121.75, 31.15], [121.75, 31.35], [121.5, 31.35]]);
    expect(pointInRing(121.6, 31.23, pudong)).toBe(true); // Lujiazui-ish
    expect(pointInRing(121.47, 31.23, pudong)).toBe(false); // People's Square
  });

  it('is fast enough for bulk imports', () => {
    const ring: LngLat[] = Array.from({ length: 40 }, (_, i) => {
      const a = (i / 40) * 2 * Math.PI;
      return [121 + Math.cos(a) * (i % 2 ? 1 : 0.6), 31 + Math.sin(a) * (i % 2 ? 1 : 0.6)];
    });
    let hits = 0;
    const started = performance.now();
    for (let i = 0; i < 1_000_000; i++) {
      if (pointInRing(120 + (i % 1000) / 500, 30 + Math.floor(i / 1000) / 500, ring)) hits++;
    }
    expect(hits).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('ringsOverlap', () => {
  it('is false for disjoint rings', () => {
    expect(ringsOverlap(square(0, 0), square(5, 5))).toBe(false);
    expect(ringsOverlap(square(0, 0), square(1.5, 0))).toBe(false);
  });

  it('is false for rings sharing an edge', () => {
    expect(ringsOverlap(square(0, 0), square(1, 0))).toBe(false);
    expect(ringsOverlap(square(0, 0), square(0, 1))).toBe(false);
  });

  it('is false for rings sharing part of an edge', () => {
    expect(ringsOverlap(square(0, 0, 2), square(2, 0.5))).toBe(false);
    expect(ringsOverlap(square(0, 0, 2), square(2, 1.5))).toBe(false);
  });

  it('is false when one side of a shared border has an extra vertex on it', () => {
    const left: LngLat[] = [[0, 0], [1, 0], [1, 0.5], [1, 1], [0, 1]];
    expect(ringsOverlap(left, square(1, 0))).toBe(false);
    expect(ringsOverlap(square(1, 0), left)).toBe(false);
  });

  it('is false for rings sharing only a vertex', () => {
    expect(ringsOverlap(square(0, 0), square(1, 1))).toBe(false);
    expect(ringsOverlap([[0, 0], [2, 0], [1, 1]], [[1, 1], [2, 2], [0, 2]])).toBe(false);
  });

  it('is false when a vertex touches the other ring\'s edge from outside', () => {
    expect(ringsOverlap(square(0, 0, 2), [[2, 1], [3, 0], [3, 2]])).toBe(false);
  });

  it('is false for a square filling the notch of a U exactly', () => {
    const u: LngLat[] = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]];
    const notch: LngLat[] = [[1, 1], [2, 1], [2, 3], [1, 3]];
    expect(ringsOverlap(u, notch)).toBe(false);
    expect(ringsOverlap(notch, u)).toBe(false);
    expect(ringsOverlap(u, [[1, 0.5], [2, 0.5], [2, 3], [1, 3]])).toBe(true); // reaches down into the base
  });

  it('is true for properly crossing edges', () => {
    expect(ringsOverlap(square(0, 0, 2), square(1, 1, 2))).toBe(true);
    // A plus sign: no vertex of either lies inside the other.
    expect(ringsOverlap([[0, 1], [3, 1], [3, 2], [0, 2]], [[1, 0], [2, 0], [2, 3], [1, 3]])).toBe(true);
  });

  it('is true when one contains the other', () => {
    expect(ringsOverlap(square(0, 0, 4), square(1, 1))).toBe(true);
    expect(ringsOverlap(square(1, 1), square(0, 0, 4))).toBe(true);
  });

  it('is true when one contains the other and they share an edge', () => {
    expect(ringsOverlap(square(0, 0, 4), square(0, 0))).toBe(true);
    expect(ringsOverlap(square(0, 0), square(0, 0, 4))).toBe(true);
  });

  it('is true for a triangle inscribed in a square', () => {
    expect(ringsOverlap(square(0, 0, 2), [[0, 0], [2, 0], [2, 2]])).toBe(true);
    expect(ringsOverlap(square(0, 0, 2), [[0, 0], [2, 1], [0, 2]])).toBe(true);
  });

  it('is true for identical rings, whatever their orientation or extra vertices', () => {
    const sq = square(121.4, 31.2, 0.1);
    expect(ringsOverlap(sq, sq)).toBe(true);
    expect(ringsOverlap(sq, [...sq].reverse())).toBe(true);
    expect(ringsOverlap(sq, [sq[0]!, [121.45, 31.2], ...sq.slice(1)])).toBe(true);
  });

  it('is false for real-world neighbours split along a slanted border', () => {
    const a: LngLat = [121.4737, 31.2304];
    const b: LngLat = [121.5067, 31.2452];
    const west = parseRing([[121.3, 31.1], a, b, [121.3, 31.4]]);
    const east = parseRing([[121.7, 31.1], [121.7, 31.4], b, a]);
    expect(ringsOverlap(west, east)).toBe(false);
    // The same border with a vertex halfway along it on one side only.
    const mid: LngLat = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const eastWithMid = parseRing([[121.7, 31.1], [121.7, 31.4], b, mid, a]);
    expect(ringsOverlap(west, eastWithMid)).toBe(false);
    expect(ringsOverlap(eastWithMid, west)).toBe(false);
    // Moving the shared border 100 m east makes them overlap.
    const shifted = parseRing([[121.7, 31.1], [121.7, 31.4], [b[0] - 0.001, b[1]], [a[0] - 0.001, a[1]]]);
    expect(ringsOverlap(west, shifted)).toBe(true);
  });

  it('is symmetric', () => {
    const cases: [LngLat[], LngLat[]][] = [
      [square(0, 0), square(1, 0)],
      [square(0, 0, 2), square(1, 1, 2)],
      [square(0, 0, 4), square(1, 1)],
      [square(0, 0), square(3, 3)],
    ];
    for (const [a, b] of cases) expect(ringsOverlap(a, b)).toBe(ringsOverlap(b, a));
  });
});
