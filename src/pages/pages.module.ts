import { Module } from '@nestjs/common';
import { HomePagesController } from './home.pages.controller';

/** Server-rendered pages that belong to no single feature (home). Feature pages live beside their feature. */
@Module({ controllers: [HomePagesController] })
export class PagesModule {}
