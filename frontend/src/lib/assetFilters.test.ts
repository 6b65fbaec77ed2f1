import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  addTag,
  clearFilters,
  filterMode,
  filterQuery,
  pageSizeOf,
  removeTag,
  setParam,
  showsRemoved,
  toggleFilterValue,
  toggleMissing,
} from './assetFilters';

const p = (query: string) => new URLSearchParams(query);

describe('asset list URL state', () => {
  it('includes and excludes values with comma lists and resets the page', () => {
    let params = toggleFilterValue(p('page=3&ordering=name'), 'service', 'ec2', 'include');
    params = toggleFilterValue(params, 'service', 's3', 'include');
    expect(params.get('service')).toBe('ec2,s3');
    expect(params.has('page')).toBe(false);
    expect(params.get('ordering')).toBe('name');

    params = toggleFilterValue(params, 'service', 'ec2', 'exclude');
    expect(params.get('service')).toBe('s3');
    expect(params.get('service_exclude')).toBe('ec2');
    expect(filterMode(params, 'service', 'ec2')).toBe('exclude');
    expect(filterMode(params, 'service', 's3')).toBe('include');
    expect(filterMode(params, 'service', 'rds')).toBeNull();

    params = toggleFilterValue(params, 'service', 'ec2', 'exclude');
    params = toggleFilterValue(params, 'service', 's3', 'include');
    expect(params.toString()).toBe('ordering=name');
  });

  it('reads values given as repeated parameters or comma lists', () => {
    expect(filterMode(p('region=eu-west-1,us-east-1&region=eu-central-1'), 'region', 'eu-central-1')).toBe('include');
  });

  it('keeps repeatable tag filters', () => {
    let params = addTag(p(''), 'env:prod');
    params = addTag(params, 'team');
    params = addTag(params, 'team');
    params = addTag(params, 'temp', 'exclude');
    expect(params.getAll('tag')).toEqual(['env:prod', 'team']);
    expect(params.getAll('tag_exclude')).toEqual(['temp']);
    expect(removeTag(params, 'env:prod').getAll('tag')).toEqual(['team']);
  });

  it('sets and clears single parameters, paging excepted', () => {
    expect(setParam(p('page=2&q=x'), 'q', 'web').toString()).toBe('q=web');
    expect(setParam(p('page=2&q=x'), 'q', '').toString()).toBe('');
    expect(setParam(p('q=x'), 'page', '4').toString()).toBe('q=x&page=4');
  });

  it('toggles missing-field filters', () => {
    const params = toggleMissing(toggleMissing(p(''), 'owner'), 'review');
    expect(params.get('missing')).toBe('owner,review');
    expect(toggleMissing(params, 'owner').get('missing')).toBe('review');
  });

  it('clears filters but keeps page size and ordering', () => {
    const params = p('service=ec2&page=2&page_size=100&ordering=-name&q=db&tag=a');
    expect(activeFilterCount(params)).toBe(3);
    expect(clearFilters(params).toString()).toBe('page_size=100&ordering=-name');
  });

  it('knows when removed assets are shown', () => {
    expect(showsRemoved(p(''))).toBe(false);
    expect(showsRemoved(p('include_removed=true'))).toBe(true);
    expect(showsRemoved(p('status=ACTIVE,REMOVED'))).toBe(true);
  });

  it('caps page size and strips paging from the filter query', () => {
    expect(pageSizeOf(p('page_size=9999'))).toBe(500);
    expect(pageSizeOf(p('page_size=abc'))).toBe(50);
    expect(filterQuery(p('service=ec2&page=3&page_size=25&ordering=name'))).toBe('service=ec2&ordering=name');
  });
});
