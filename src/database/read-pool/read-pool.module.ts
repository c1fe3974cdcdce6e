import { Global, Module } from '@nestjs/common';
import { ReadPool } from './read-pool.service';

/** The read pool, for every module (reports, lists and searches read through it). */
@Global()
@Module({ providers: [ReadPool], exports: [ReadPool] })
export class ReadPoolModule {}
