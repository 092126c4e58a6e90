import { AvilaError } from "@avila/compress";
console.log(AvilaError);
